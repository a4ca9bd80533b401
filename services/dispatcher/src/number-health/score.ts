import type { InstanceHealth } from '@bora/balancer';
import type { NumberHealthCounts } from '@bora/db';

/** What a number's recent life says, as the health pass gathers it. */
export interface HealthInputs extends NumberHealthCounts {
  restartedRecently: boolean;
}

export interface HealthReason {
  code: string;
  /** pt-BR, for operators. */
  text: string;
  penalty: number;
}

export interface HealthVerdict {
  score: number;
  state: InstanceHealth;
  reasons: HealthReason[];
}

/** A number below this score is used only after the healthy ones. */
const DEGRADED_BELOW = 60;

/**
 * A number's health from what became of its sends, not from "open": the share of judged sends that
 * got a delivery receipt within the window, sends stuck without one, disconnects, sessions and
 * sends WhatsApp refused. Enough judged sends and not one receipt — on a server whose other
 * numbers do get receipts — means its messages vanish: `failing`, out of rotation. Pure; each
 * reason carries its penalty so the fleet page can show why.
 */
export function scoreHealth(i: HealthInputs, options: { minSends: number; windowMinutes: number }): HealthVerdict {
  const reasons: HealthReason[] = [];
  const add = (code: string, penalty: number, text: string) => reasons.push({ code, penalty, text });
  const vanishing = i.serverReceipts && i.judgedSends >= options.minSends && i.receipted === 0;
  if (vanishing) {
    add(
      'sends-vanish',
      70,
      `${i.judgedSends} envios sem nenhuma confirmação de entrega em ${options.windowMinutes} min: as mensagens estão sumindo`,
    );
  } else if (i.serverReceipts && i.judgedSends >= options.minSends) {
    const share = i.receipted / i.judgedSends;
    if (share < 0.9)
      add(
        'few-receipts',
        Math.round(((0.9 - share) / 0.9) * 50),
        `Só ${Math.round(share * 100)}% dos envios confirmados em ${options.windowMinutes} min`,
      );
  }
  if (!vanishing && i.stuckPending >= 3)
    add('stuck-pending', 10, `${i.stuckPending} mensagens sem confirmação de entrega (pendentes)`);
  if (i.disconnectsLastHour > 0)
    add(
      'disconnects',
      Math.min(30, 10 * i.disconnectsLastHour),
      `${i.disconnectsLastHour} desconexão(ões) na última hora`,
    );
  if (i.sessionRefusals > 0)
    add('session-refused', 30, `O WhatsApp encerrou a sessão (401/403) ${i.sessionRefusals}× nas últimas 24 h`);
  if (i.reachoutRefusals > 0)
    add(
      'reachout-refused',
      20,
      `Bloqueio de primeiro contato do WhatsApp (463) ${i.reachoutRefusals}× nas últimas 24 h`,
    );
  if (i.sendRefusals > 0)
    add(
      'send-refused',
      Math.min(20, 5 * i.sendRefusals),
      `${i.sendRefusals} mensagem(ns) recusada(s) pelo WhatsApp nas últimas 24 h`,
    );
  if (i.restartedRecently) add('restarted', 10, 'Reiniciado automaticamente há pouco por não entregar mensagens');
  const score = Math.max(0, 100 - reasons.reduce((sum, r) => sum + r.penalty, 0));
  // Just restarted, it is on probation: used only when the healthy numbers are much later.
  const state: InstanceHealth = vanishing
    ? 'failing'
    : score < DEGRADED_BELOW || i.disconnectsLastHour >= 3 || i.restartedRecently
      ? 'degraded'
      : 'healthy';
  return { score, state, reasons };
}
