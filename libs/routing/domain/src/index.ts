export { PACKAGE_ROUTED, ROUTING_REJECTED, type RoutingDecision } from './decision';
export { documentAfter } from './document-after';
export { BusinessDocType, RECALL_STATUS_CODE, RECIPIENT_STATUS_CODES } from './package-kinds';
export type { DirectoryView, DocumentView, RoutedDocument } from './ports';
export { resolveRecipient, type Resolution, type Route } from './resolve-recipient';
export { routePackage } from './route-package';
export { type MergedRecipient, type RecipientsRouting, routeRecipients } from './route-recipients';
export { ROUTING_ERROR_CODES, RoutingErrorCode } from './routing-error';
