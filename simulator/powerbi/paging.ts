/** Parses OData $top/$skip; undefined means absent, NaN means present but not a non-negative integer. */
export function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  return /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
}
