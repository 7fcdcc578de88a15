/** The resolve hook of image-module-guard.mjs, and the rule both share. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why a resolved file may not be used by the image, or undefined when it lies inside `root`. */
export function outsideImage(root, specifier, parent, file) {
  if (!path.isAbsolute(file)) return undefined; // a Node built-in
  const relative = path.relative(root, file);
  if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return undefined;
  const lender = file.includes(`${path.sep}node_modules${path.sep}`)
    ? file.slice(0, file.indexOf(`${path.sep}node_modules${path.sep}`) + '/node_modules'.length)
    : path.dirname(file);
  return (
    `image module guard: "${specifier}" (from ${parent ?? 'the command line'}) resolves to ${file}, ` +
    `outside the image folder ${root}: the image would not have it; ${lender} above the replay lends it`
  );
}

let root;

export function initialize(data) {
  root = data.root;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (!result.url.startsWith('file:')) return result;
  const parent = context.parentURL?.startsWith('file:')
    ? fileURLToPath(context.parentURL)
    : context.parentURL;
  const refusal = outsideImage(root, specifier, parent, fileURLToPath(result.url));
  if (refusal) throw new Error(refusal);
  return result;
}
