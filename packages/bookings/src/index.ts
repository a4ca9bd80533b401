export { cancelBooking, confirmAttendance, type CancelOutcome, type CancelRequest } from './cancel.ts';
export {
  manageLinkExpiry,
  manageUrl,
  signManageToken,
  verifyManageToken,
  type ManageTokenCheck,
} from './manage-link.ts';
export { bookingCode, confirmByWhatsappText, findBookingCode, maskPhone, waMeChat, waMeLink } from './whatsapp-link.ts';
export { planMessages, type PlannedMessage, type PlanSettings } from './plan.ts';
export { inQuietHours, localMinutes, quietHoursBegan, quietHoursEnd, type QuietHours } from './quiet-hours.ts';
