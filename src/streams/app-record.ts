/** admin/apps entries → apps records, with the app's report copies found by the scan. */
import type { AppsRecord } from '../generated/records.js';
import { field, type JsonObject } from '../powerbi/json-shapes.js';
import { personal, type UserIdentifiersMode } from './privacy.js';
import { text, utcDateTime } from './values.js';

/** What the scan of the source workspace says about an app's content. */
export interface AppContent {
  reports: { appReportId: string; originalReportId: string }[];
  dashboardIds: string[];
}

export function toAppRecord(
  app: JsonObject,
  content: AppContent | undefined,
  readAt: string,
  mode: UserIdentifiersMode,
): AppsRecord | null {
  const id = text(field(app, 'id'));
  if (!id) return null;
  return {
    id,
    readAt,
    name: text(field(app, 'name')),
    description: text(field(app, 'description')),
    publishedBy: personal(text(field(app, 'publishedBy')), mode),
    lastUpdate: utcDateTime(field(app, 'lastUpdate')),
    workspaceId: text(field(app, 'workspaceId')),
    reports: content ? content.reports : null,
    dashboardIds: content ? content.dashboardIds : null,
  };
}
