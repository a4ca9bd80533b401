import { infraProject } from '../../vitest.shared.ts';

export default infraProject('bookings');
