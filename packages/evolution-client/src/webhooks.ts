import type { WebhookConfig } from './types.ts';

/** Header Evolution sends back on every webhook POST to us (pre-configured on the instances we create). */
export const WEBHOOK_SECRET_HEADER = 'x-bora-webhook-secret';

/** What we subscribe to: status of numbers, of the messages we sent, customers' messages, and QR codes (the re-link page). */
export const WEBHOOK_EVENTS = [
  'CONNECTION_UPDATE',
  'MESSAGES_UPDATE',
  'MESSAGES_UPSERT',
  'LOGOUT_INSTANCE',
  'STATUS_INSTANCE',
  'SEND_MESSAGE',
  'QRCODE_UPDATED',
];

/** Where a server's instances post their events: admin-api's route for that server. */
export function webhookUrl(adminPublicUrl: string, evolutionApiId: string): string {
  return `${adminPublicUrl}/webhooks/evolution/${evolutionApiId}`;
}

/**
 * The webhook an instance of that server is set up with (on create, or pasted by an operator, or
 * in the simulator's fleet file): our URL, our events, its server's secret in our header.
 */
export function webhookFor(
  adminPublicUrl: string,
  evolutionApiId: string,
  secret: string,
): Required<Pick<WebhookConfig, 'url' | 'events' | 'headers'>> {
  return {
    url: webhookUrl(adminPublicUrl, evolutionApiId),
    events: WEBHOOK_EVENTS,
    headers: { [WEBHOOK_SECRET_HEADER]: secret },
  };
}
