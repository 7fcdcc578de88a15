/**
 * apps: every sync lists all published apps (admin/apps, 200 requests/hour, one call per 5,000
 * apps) and joins what the scan knows of each app's content, so that an app's report copy resolves
 * to the workspace report it was published from. A read stopped while listing apps still saves
 * what the scan saw, so that the resumed read knows every app's content.
 */
import type { AppsRecord } from '../generated/records.js';
import { defineApiStream, info, type ApiItem, type ApiReadInput } from './api-stream.js';
import { AppLinkObserver, contentOf, readLinks, writeLinks } from './app-content.js';
import { toAppRecord } from './app-record.js';

async function* read(input: ApiReadInput): AsyncGenerator<ApiItem<AppsRecord>> {
  const links = readLinks(input.state);
  if (input.observer instanceof AppLinkObserver) for (const [ws, l] of input.observer.seen) links.set(ws, l);
  const readAt = input.now.toISOString();
  const mode = input.options.privacy.userIdentifiers;
  const appWorkspaces = new Set<string>();
  let unknown = 0;
  try {
    for await (const app of input.client.iterateApps()) {
      const workspaceId = typeof app.workspaceId === 'string' ? app.workspaceId : null;
      if (workspaceId) appWorkspaces.add(workspaceId.toLowerCase());
      const id = typeof app.id === 'string' ? app.id : '';
      const content = contentOf(links, id, workspaceId);
      if (!content) unknown += 1;
      const record = toAppRecord(app, content, readAt, mode);
      if (record) yield { record };
    }
  } catch (error) {
    // The scan that fed `links` will not run again on resume (its cursor moved on): keep what it
    // saw of every workspace, since which of them publish an app is not known yet.
    yield { checkpoint: { version: 1, workspaces: writeLinks(links, new Set(links.keys())) } };
    throw error;
  }
  if (unknown > 0)
    yield info(
      `apps: the content of ${unknown} app(s) is unknown (reports: null) because their workspaces were not scanned yet; select the reports stream to get it.`,
    );
  yield { checkpoint: { version: 1, workspaces: writeLinks(links, appWorkspaces) } };
}

export const appsStream = defineApiStream<AppsRecord>({
  name: 'apps',
  primaryKey: ['id'],
  cursorField: 'readAt',
  enabled: (options) => options.usage.apps.enabled,
  observeScan: () => new AppLinkObserver(),
  read,
});
