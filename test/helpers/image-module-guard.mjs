/**
 * Preloaded (node --import) into the replayed image's processes: every module they resolve must lie
 * inside the image's own folder (IMAGE_MODULE_ROOT). Node looks for node_modules in every folder
 * above a module, so a node_modules folder above the replay could otherwise lend the image a package
 * the real image does not have. ES imports go through the resolve hook of image-module-guard-hooks.mjs,
 * CommonJS require() through the patched resolver below; both refuse with the reason.
 */
import Module, { register } from 'node:module';
import process from 'node:process';
import { outsideImage } from './image-module-guard-hooks.mjs';

const root = process.env.IMAGE_MODULE_ROOT;
if (!root) throw new Error('image module guard: IMAGE_MODULE_ROOT is not set');

register('./image-module-guard-hooks.mjs', import.meta.url, { data: { root } });

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function guardedResolveFilename(request, parent, ...rest) {
  const file = resolveFilename.call(this, request, parent, ...rest);
  const refusal = outsideImage(root, request, parent?.filename, file);
  if (refusal) throw new Error(refusal);
  return file;
};
