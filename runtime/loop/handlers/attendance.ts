/** LOOP Attendance actions (spec/loop/attendance.yaml): QR tokens and check-in, and attendance reports. */
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import { attendanceReports } from '../attendance/attendance-reports.ts';
import { qrCheckIn, qrToken } from '../attendance/qr-check-in.ts';

export const attendanceHandlers = {
  'attendance.qrToken': qrToken,
  'attendance.qrCheckIn': qrCheckIn,
  'attendance.reports': attendanceReports,
} satisfies Partial<LoopHandlers>;
