export { PACKAGE_ROUTED, ROUTING_REJECTED, type RoutingDecision } from './decision';
export { documentAfter, statusAfter } from './document-after';
export { NO_PROGRESS, impossibleTransition, progressAfter, type RecipientProgress } from './business-status';
export { BusinessDocType, RECALL_STATUS_CODE, RECIPIENT_STATUS_CODES } from './package-kinds';
export type { DirectoryView, DocumentView, RoutedDocument } from './ports';
export { resolveRecipient, type Resolution, type Route } from './resolve-recipient';
export { routePackage } from './route-package';
export { type MergedRecipient, type RecipientsRouting, routeRecipients } from './route-recipients';
export { ROUTING_ERROR_CODES, RoutingErrorCode } from './routing-error';
