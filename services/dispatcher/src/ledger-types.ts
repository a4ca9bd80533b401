/** A claimed notification with what rendering and routing need, read in the claiming statement. */
export interface ClaimedNotification {
  id: string;
  tenantId: string;
  kind: 'confirmation' | 'reminder' | 'cancellation' | 'manual';
  recipient: string;
  text: string | null;
  attempts: number;
  forcedEvolutionApiId: string | null;
  tenantName: string;
  timezone: string;
  allowSharedSender: boolean;
  templates: { confirmation: string; reminder: string; cancellation: string };
  booking: { customerName: string; service: string; professional: string; startsAt: Date; status: string } | null;
}

export type Unclaimable = { reason: 'missing' } | { reason: 'done'; status: string } | { reason: 'in-flight' } | { reason: 'not-due'; dueAt: Date };

export interface AttemptRecord {
  attempt: number;
  evolutionApiId: string | null;
  whatsappInstanceId: string | null;
  outcome: 'sent' | 'failed';
  errorCode: string | null;
  errorScope: string | null;
  errorMessage: string | null;
  httpStatus: number | null;
  latencyMs: number;
}

/** drizzle's postgres.js driver makes raw queries return timestamps as strings. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}
