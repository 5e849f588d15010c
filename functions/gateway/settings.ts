/** The gateway's settings: the credentials of the admin and of the kitchen's staff. */
import * as z from 'zod'
import { ADMIN_TOKEN } from '../../runtime/config/runtime-settings.ts'
import { setting } from '../../runtime/config/setting.ts'

export const gatewaySettings = {
  adminToken: ADMIN_TOKEN,
  staffToken: setting('STAFF_TOKEN', z.string().min(12, 'must be at least 12 characters'), {
    secret: true,
    set: 'the kitchen staff’s credential: signs in to the kitchen display at `/kitchen` (the admin credential does too) (12+ characters)',
    unset: 'only `ADMIN_TOKEN` signs in to the kitchen display',
  }),
}
