/**
 * apps: every sync lists all published apps (admin/apps, 200 requests/hour, one call per 5,000
 * apps) and joins what the scan knows of each app's content, so that an app's report copy resolves
 * to the workspace report it was published from. A read stopped while listing apps still saves
 * what the scan saw, so that the resumed read knows every app's content.
 */
import type { JsonObject } from '../../protocol/messages.js';
import { appsStream, toAppRecord } from '../../streams/usage/app.js';
import { AppLinkObserver, contentOf, readLinks, writeLinks } from './app-content.js';
import { appsEnabled } from './usage-options.js';
import type { ScanObserver, UsageStream, UsageSyncInput } from './usage-stream.js';

async function sync(input: UsageSyncInput, observer: ScanObserver | undefined): Promise<void> {
  const links = readLinks(input.state);
  if (observer instanceof AppLinkObserver) for (const [ws, l] of observer.seen) links.set(ws, l);
  const readAt = input.now.toISOString();
  const mode = input.config.privacy.user_identifiers;
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
      if (record) await input.emitter.record(record as unknown as JsonObject);
    }
  } catch (error) {
    // The scan that fed `links` will not run again on resume (its cursor moved on): keep what it
    // saw of every workspace, since which of them publish an app is not known yet.
    await input.emitter.state({ version: 1, workspaces: writeLinks(links, new Set(links.keys())) });
    throw error;
  }
  if (unknown > 0)
    await input.log(
      'INFO',
      `apps: the content of ${unknown} app(s) is unknown (reports: null) because their workspaces were not scanned yet; select the reports stream to get it.`,
    );
  await input.emitter.state({ version: 1, workspaces: writeLinks(links, appWorkspaces) });
}

export const appsUsage: UsageStream = {
  definition: appsStream,
  cursorField: ['readAt'],
  enabled: appsEnabled,
  createObserver: () => new AppLinkObserver(),
  sync,
};
