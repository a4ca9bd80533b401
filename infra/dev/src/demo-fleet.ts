/**
 * The demo fleet `pnpm start` runs: shaped like the seed document (four Evolution APIs of 20
 * numbers with different priorities, a few WhatsApps each), one demo business with its own number,
 * and a shared platform sender. Both the simulator and the database are seeded from this list.
 */
export interface DemoInstance {
  name: string;
  phone: string;
  displayName: string;
  owner: 'tenant' | 'shared';
  isPrimary: boolean;
  state: 'open' | 'connecting' | 'close';
}

export interface DemoServer {
  name: string;
  /** URL-safe name of the virtual server inside the simulator. */
  simName: string;
  apiKey: string;
  priority: number;
  instances: DemoInstance[];
}

export const DEMO_TENANT = { slug: 'barbearia-do-ze', name: 'Barbearia do Zé' };

const wa = (n: number, over: Partial<DemoInstance> & { name: string }): DemoInstance => ({
  phone: `55119${String(90000000 + n)}`,
  displayName: `WhatsApp ${n}`,
  owner: 'shared',
  isPrimary: false,
  state: 'open',
  ...over,
});

export const DEMO_SERVERS: DemoServer[] = [
  {
    name: 'Evolution API 1',
    simName: 'evo1',
    apiKey: 'demo-key-evo1',
    priority: 10,
    instances: [
      wa(1, { name: 'barbearia-do-ze-01', owner: 'tenant', isPrimary: true, displayName: 'WhatsApp Principal' }),
      wa(2, { name: 'bora-compartilhado-01', isPrimary: true, displayName: 'Bora Agendar (compartilhado)' }),
      wa(3, { name: 'bora-compartilhado-02' }),
    ],
  },
  {
    name: 'Evolution API 2',
    simName: 'evo2',
    apiKey: 'demo-key-evo2',
    priority: 5,
    instances: [
      wa(4, { name: 'bora-compartilhado-03' }),
      wa(5, { name: 'bora-compartilhado-04', state: 'connecting' }),
    ],
  },
  {
    name: 'Evolution API 3',
    simName: 'evo3',
    apiKey: 'demo-key-evo3',
    priority: 1,
    instances: [wa(6, { name: 'bora-compartilhado-05', state: 'close' })],
  },
  { name: 'Evolution API 4', simName: 'evo4', apiKey: 'demo-key-evo4', priority: 0, instances: [] },
];
