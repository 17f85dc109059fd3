export type { AdapterStatus, DeliveryStatus, ScheduleStatus, StatusSnapshot, UpstreamStatus } from './status-model.js';
export { createStatusRecorder, type StatusRecorder } from './status-recorder.js';
export { collectStatus, type StatusSources } from './collect-status.js';
export { renderStatusLogin, renderStatusPage } from './status-html.js';
export { STATUS_COOKIE, sameSecret, statusAuthorized, statusCookieValue } from './status-auth.js';
export { STATUS_SECURITY_HEADERS, registerStatusPage, type StatusPageOptions } from './status-page.js';
export { createStatusService, type StatusService, type StatusServiceOptions } from './status-service.js';
