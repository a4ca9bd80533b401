/** What the balancer knows about an Evolution server. */
export interface FleetServer {
  readonly id: string;
  readonly name: string;
  readonly capacity: number;
  /** Higher is preferred. */
  readonly priority: number;
  readonly isActive: boolean;
}

/** What the server last said about the number's session (the fleet's `whatsapp_instances.status`). */
export type ConnectionStatus = 'connected' | 'connecting' | 'disconnected';

/**
 * How a number is doing by what became of its sends (delivery receipts), not by what Evolution
 * says: `failing` numbers swallow their messages and get none; `degraded` ones are used after
 * the others. Absent = not judged yet (as good as healthy).
 */
export type InstanceHealth = 'healthy' | 'degraded' | 'failing';

/** A WhatsApp number hosted on one server; `tenantId` null means a shared platform sender. */
export interface FleetInstance {
  readonly id: string;
  readonly serverId: string;
  readonly instanceName: string;
  readonly tenantId: string | null;
  readonly status: ConnectionStatus;
  readonly isPrimary: boolean;
  readonly health?: InstanceHealth;
}

export const NO_EVOLUTION_API_AVAILABLE = 'NO_EVOLUTION_API_AVAILABLE';
export const NO_EVOLUTION_API_AVAILABLE_MESSAGE = 'Nenhuma Evolution API disponível';
