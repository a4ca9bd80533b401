import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

// Baileys replaces an unscanned QR every ~45 s and gives up after 30 codes; here 80 ms and 3.
let sim: Awaited<ReturnType<typeof startSim>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;

interface QrBody {
  code: string;
  count: number;
}

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSim({ qr: { ttlMs: 80, maxCodes: 3 } });
  base = sim.serverUrl('evo1');
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

describe('QR codes', () => {
  it('expire, are replaced, and after the last one the session is refused and closes', async () => {
    const created = await call<{ qrcode: QrBody }>(base, 'POST', '/instance/create', {
      body: {
        instanceName: 'scan-01',
        integration: 'WHATSAPP-BAILEYS',
        qrcode: true,
        webhook: { url: `${receiver.url}/hooks`, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE'] },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.qrcode.count).toBe(1);

    await until(() => receiver.events().filter((e) => e === 'qrcode.updated').length >= 2, 2_000);
    const second = await call<QrBody>(base, 'GET', '/instance/connect/scan-01');
    expect(second.body.count).toBeGreaterThanOrEqual(2);
    expect(second.body.code).not.toBe(created.body.qrcode.code);

    await until(
      () => receiver.received.some((r) => (r.body.data as { state?: string } | undefined)?.state === 'refused'),
      2_000,
    );
    // Three codes, then Evolution's limit notice (also a qrcode.updated), then `refused`.
    const qrEvents = receiver.received.filter((r) => r.body.event === 'qrcode.updated').map((r) => r.body.data);
    expect(qrEvents).toHaveLength(4);
    for (const data of qrEvents.slice(0, 3)) {
      expect(data).toEqual({
        qrcode: {
          instance: 'scan-01',
          pairingCode: null,
          code: expect.stringMatching(/^2@/),
          base64: expect.stringMatching(/^data:image\/png;base64,/),
        },
      });
    }
    expect(qrEvents[3]).toEqual({ message: 'QR code limit reached, please login again', statusCode: 500 });
    expect(receiver.received.at(-1)!.body.data).toEqual({ instance: 'scan-01', state: 'refused', statusReason: 428 });
    expect((await call(base, 'GET', '/instance/connectionState/scan-01')).body).toEqual({
      instance: { instanceName: 'scan-01', state: 'close' },
    });

    // Connecting again starts a fresh series.
    const again = await call<QrBody>(base, 'GET', '/instance/connect/scan-01');
    expect(again.body.count).toBe(1);
  });

  it('stop expiring once the instance is scanned', async () => {
    await call(base, 'POST', '/instance/create', {
      body: { instanceName: 'scan-02', integration: 'WHATSAPP-BAILEYS', qrcode: true },
    });
    sim.control.setInstanceState('evo1', 'scan-02', 'open');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await call(base, 'GET', '/instance/connectionState/scan-02')).body).toEqual({
      instance: { instanceName: 'scan-02', state: 'open' },
    });
  });
});
