/** LOOP Attendance actions (spec/loop/attendance.yaml): QR tokens and check-in, and attendance reports. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { attendanceReports } from './lib-a/attendance-reports.ts';
import { qrCheckIn, qrToken } from './lib-a/qr-check-in.ts';

export const attendanceHandlers: HandlerRegistry = {
  'attendance.qrToken': qrToken,
  'attendance.qrCheckIn': qrCheckIn,
  'attendance.reports': attendanceReports,
};
