/** LOOP Attendance actions (spec/loop/attendance.yaml): QR tokens and check-in, and attendance reports. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { attendanceReports } from '../attendance/attendance-reports.ts';
import { qrCheckIn, qrToken } from '../attendance/qr-check-in.ts';

export const attendanceHandlers: HandlerRegistry = {
  'attendance.qrToken': qrToken,
  'attendance.qrCheckIn': qrCheckIn,
  'attendance.reports': attendanceReports,
};
