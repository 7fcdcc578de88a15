/**
 * File sources become `file` references named by their location (lower-cased URL or path):
 * File.Contents(path), Web.Contents(url, [RelativePath=...]), and folder listings
 * (SharePoint.Files / SharePoint.Contents / Folder.Files / Folder.Contents) navigated to a file by
 * `{[Name="x.xlsx", #"Folder Path"="..."]}`. A listing consumed without picking one file (e.g. the
 * "combine files" pattern) references the folder itself.
 * https://learn.microsoft.com/powerquery-m/sharepoint-files
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { KIND_LEVELS } from '../m/navigation.js';
import { referenceOf } from '../reference.js';
import type { UpstreamReference } from '../types.js';
import { fieldOf, opaque, source, textOf, type MValue, type SourceState } from '../m/values.js';

function hostOf(location: string): string | null {
  try {
    return new URL(location).host || null;
  } catch {
    return null;
  }
}

export function fileReference(location: string, via: string): UpstreamReference | undefined {
  return referenceOf({
    platform: 'file',
    kind: 'file',
    server: hostOf(location),
    parts: { table: location },
    via,
  });
}

function joinPath(base: string, relative: string): string {
  if (relative === '') return base;
  const separator = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  const trimmedBase = base.endsWith('/') || base.endsWith('\\') ? base.slice(0, -1) : base;
  const trimmedRelative =
    relative.startsWith('/') || relative.startsWith('\\') ? relative.slice(1) : relative;
  return `${trimmedBase}${separator}${trimmedRelative}`;
}

function referenceValue(location: string, via: string): MValue {
  const reference = fileReference(location, via);
  return opaque(reference === undefined ? [] : [reference]);
}

function fileContents(call: CallContext): MValue {
  const path = call.text(0, 'path');
  return path === undefined ? opaque() : referenceValue(path, call.name);
}

function webContents(call: CallContext): MValue {
  const url = call.text(0, 'url');
  if (url === undefined) return opaque();
  const relative = textOf(fieldOf(call.args[1], 'RelativePath'));
  return referenceValue(relative === undefined ? url : joinPath(url, relative), call.name);
}

function keyText(keys: ReadonlyMap<string, MValue>, wanted: string): string | undefined {
  for (const [key, value] of keys) {
    if (key.toLowerCase() === wanted) return textOf(value);
  }
  return undefined;
}

/** `{[Name=..., #"Folder Path"=...]}` picks a file; `{[Name="Shared Documents"]}` descends a folder. */
function navigateListing(state: SourceState, keys: ReadonlyMap<string, MValue>): MValue {
  const base = state.parts.table ?? '';
  const name = keyText(keys, 'name');
  const folder = keyText(keys, 'folder path');
  if (name === undefined) return source(state);
  const location = joinPath(folder ?? base, name);
  if (/\.[A-Za-z0-9]{2,5}$/.test(name)) return referenceValue(location, state.via);
  return source(listingState(state.via, location));
}

function listingState(via: string, location: string): SourceState {
  const fallback = fileReference(location, via);
  const state: SourceState = {
    via,
    platform: 'file',
    kind: 'file',
    server: hostOf(location),
    parts: { table: location },
    rules: { levels: ['table'], keyLevels: {}, kindLevels: KIND_LEVELS },
    navigate: navigateListing,
  };
  return fallback === undefined ? state : { ...state, fallback };
}

function folderListing(call: CallContext): MValue {
  const location = call.text(0, 'location');
  return location === undefined ? opaque() : source(listingState(call.name, location));
}

export const FILE_FUNCTIONS: FunctionTable = {
  'File.Contents': fileContents,
  'Web.Contents': webContents,
  'SharePoint.Files': folderListing,
  'SharePoint.Contents': folderListing,
  'Folder.Files': folderListing,
  'Folder.Contents': folderListing,
  'AzureStorage.DataLake': folderListing,
  'AzureStorage.Blobs': folderListing,
};
