import type { BookingView } from '../bookings/booking-store.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * The success page's actions spot, deliberately empty for now: a "Confirmar pelo WhatsApp" link
 * (issue 15) goes here, built from `tenant` and `booking`. `.next-steps:empty` is hidden by the
 * stylesheet, so the page looks the same until something is added.
 */
export function nextStepsSection(_tenant: TenantInfo, _booking: BookingView): SafeHtml {
  return html`<section class="next-steps"></section>`;
}
