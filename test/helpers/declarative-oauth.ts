/**
 * Airbyte's declarative OAuth flow, re-expressed for tests from the platform's documented behaviour
 * (docs "OAuth Authentication Methods", DeclarativeOAuthFlow / DeclarativeOAuthSpecHandler): how the
 * templates of `oauth_connector_input_specification` are filled in, how the code is exchanged and
 * which outputs land where in the connector config. Only the Jinja constructs the spec uses are
 * understood; anything else throws, so the spec cannot drift into syntax this replay does not check.
 */
import { randomInt } from 'node:crypto';

type Json = Record<string, unknown>;
type Values = Record<string, string | undefined>;

export interface OAuthConfigSpecification {
  oauth_user_input_from_connector_config_specification: Json & { properties: Record<string, Json> };
  oauth_connector_input_specification: Json & {
    consent_url: string;
    access_token_url: string;
    scope?: string;
    access_token_headers?: Record<string, string>;
    access_token_params?: Record<string, string>;
    extract_output?: string[];
    state?: { min?: number; max?: number };
  };
  complete_oauth_output_specification: Json & { properties: Record<string, Json> };
  complete_oauth_server_input_specification: Json & { properties: Record<string, Json> };
  complete_oauth_server_output_specification: Json & { properties: Record<string, Json> };
}

/** The platform's defaults for the key names (client_id_key, … overridable in the spec). */
const DEFAULT_KEYS: Record<string, string> = {
  auth_code_key: 'code',
  client_id_key: 'client_id',
  client_secret_key: 'client_secret',
  redirect_uri_key: 'redirect_uri',
  scope_key: 'scope',
  state_key: 'state',
};
const STATE_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_';

/** java.net.URLEncoder (what Jinjava's urlencode and the platform's *_param values use). */
export function formUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

// ---- the Jinja subset: {{ name }}, {{ name | urlencode }}, {% if/elif/else/endif %} ----

function evaluateExpression(expression: string, values: Values): string {
  const [name, ...filters] = expression.split('|').map((part) => part.trim());
  if (!name || !/^[a-z_][a-z0-9_]*$/i.test(name))
    throw new Error(`unsupported expression {{ ${expression} }}`);
  let value = values[name] ?? '';
  for (const filter of filters) {
    if (filter !== 'urlencode') throw new Error(`unsupported filter ${filter}`);
    value = formUrlEncode(value);
  }
  return value;
}

function evaluateCondition(condition: string, values: Values): boolean {
  return condition.split(/\s+or\s+/).some((part) => {
    const comparison = /^([a-z_][a-z0-9_]*)\s*==\s*'([^']*)'$/i.exec(part.trim());
    if (comparison) return (values[comparison[1]!] ?? '') === comparison[2];
    const name = part.trim();
    if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`unsupported condition ${part}`);
    return (values[name] ?? '') !== '';
  });
}

/** Renders a template the way Jinja does for these constructs (undefined names are empty and falsy). */
export function renderTemplate(template: string, values: Values): string {
  const frames: { taken: boolean; active: boolean; parentActive: boolean }[] = [];
  const active = () => frames.every((f) => f.active);
  let out = '';
  for (const part of template.split(/({%[\s\S]*?%}|{{[\s\S]*?}})/)) {
    if (part.startsWith('{{')) {
      if (active()) out += evaluateExpression(part.slice(2, -2).trim(), values);
    } else if (part.startsWith('{%')) {
      const tag = part.slice(2, -2).trim();
      const [keyword, ...rest] = tag.split(/\s+/);
      const condition = rest.join(' ');
      const frame = frames.at(-1);
      if (keyword === 'if') {
        const parentActive = active();
        const holds = parentActive && evaluateCondition(condition, values);
        frames.push({ taken: holds, active: holds, parentActive });
      } else if (keyword === 'elif' && frame) {
        frame.active = frame.parentActive && !frame.taken && evaluateCondition(condition, values);
        frame.taken ||= frame.active;
      } else if (keyword === 'else' && frame) {
        frame.active = frame.parentActive && !frame.taken;
        frame.taken = true;
      } else if (keyword === 'endif' && frame) frames.pop();
      else throw new Error(`unsupported tag {% ${tag} %}`);
    } else if (active()) out += part;
  }
  if (frames.length > 0) throw new Error('unclosed {% if %}');
  return out;
}

// ---- the flow ----

/** The values of the user's form the flow takes, by oauth_user_input_from_connector_config_specification. */
export function userInputFrom(spec: OAuthConfigSpecification, config: Json): Record<string, string> {
  const input: Record<string, string> = {};
  for (const [name, property] of Object.entries(
    spec.oauth_user_input_from_connector_config_specification.properties,
  )) {
    let value: unknown = config;
    for (const key of property.path_in_connector_config as string[])
      value = (value as Json | undefined)?.[key];
    if (typeof value === 'string') input[name] = value;
  }
  return input;
}

/** The platform's template map: every key of user input + declarative spec, then *_value and *_param. */
function templateValues(
  spec: OAuthConfigSpecification,
  userInput: Record<string, string>,
  known: { clientId: string; clientSecret?: string; redirectUri: string; state?: string; authCode?: string },
): Values {
  const merged: Values = { ...DEFAULT_KEYS };
  for (const [key, value] of Object.entries({ ...userInput, ...spec.oauth_connector_input_specification }))
    merged[key] = typeof value === 'string' ? value : '';
  const keyOf = (k: string) => merged[k]!;
  merged[keyOf('client_id_key')] = known.clientId;
  merged[keyOf('redirect_uri_key')] = known.redirectUri;
  if (known.clientSecret !== undefined) merged[keyOf('client_secret_key')] = known.clientSecret;
  if (known.state !== undefined) merged[keyOf('state_key')] = known.state;
  if (known.authCode !== undefined) merged[keyOf('auth_code_key')] = known.authCode;
  const encoded = new Set(['redirect_uri', 'scope']);
  for (const name of ['client_id', 'client_secret', 'auth_code', 'state', 'redirect_uri', 'scope']) {
    const key = keyOf(`${name}_key`);
    const value = merged[key];
    merged[`${name}_value`] = value;
    merged[`${name}_param`] =
      `${key}=${encoded.has(name) && value !== undefined ? formUrlEncode(value) : value}`;
  }
  return merged;
}

/** A random state of the configured length (the platform's default is 7..24 characters). */
export function newState(spec: OAuthConfigSpecification): string {
  const { min = 7, max = 24 } = spec.oauth_connector_input_specification.state ?? {};
  const length = randomInt(min, max + 1);
  return Array.from({ length }, () => STATE_CHARS[randomInt(STATE_CHARS.length)]).join('');
}

export function consentUrl(
  spec: OAuthConfigSpecification,
  userInput: Record<string, string>,
  server: { clientId: string },
  redirectUri: string,
  state: string,
): string {
  const values = templateValues(spec, userInput, { clientId: server.clientId, redirectUri, state });
  return new URL(renderTemplate(spec.oauth_connector_input_specification.consent_url, values)).href;
}

export interface TokenRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The POST exchanging the code: form-encoded or JSON params as the headers say (JSON when params and no type). */
export function accessTokenRequest(
  spec: OAuthConfigSpecification,
  userInput: Record<string, string>,
  server: { clientId: string; clientSecret: string },
  authCode: string,
  redirectUri: string,
  state: string,
): TokenRequest {
  const input = spec.oauth_connector_input_specification;
  const values = templateValues(spec, userInput, { ...server, redirectUri, state, authCode });
  const render = (record: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(record).map(([k, v]) => [renderTemplate(k, values), renderTemplate(v, values)]),
    );
  const headers = render(input.access_token_headers);
  const params = render(input.access_token_params);
  const formEncoded = headers['Content-Type'] === 'application/x-www-form-urlencoded';
  const body = formEncoded
    ? Object.entries(params)
        .map(([k, v]) => `${k}=${formUrlEncode(v)}`)
        .join('&')
    : JSON.stringify(params);
  return { url: new URL(renderTemplate(input.access_token_url, values)).href, headers, body };
}

/**
 * What the flow keeps from the token answer: each extract_output path must be present; the
 * token_expiry_key (expires_in) also yields token_expiry_date; then only the properties of
 * complete_oauth_output_specification survive.
 */
export function extractOutput(spec: OAuthConfigSpecification, response: Json, nowMs: number): Json {
  const input = spec.oauth_connector_input_specification;
  const paths =
    input.extract_output ??
    Object.values(spec.complete_oauth_output_specification.properties).map((p) =>
      (p.path_in_oauth_response as string[]).join('.'),
    );
  const flat: Json = {};
  for (const path of paths) {
    let value: unknown = response;
    for (const key of path.split('.')) value = (value as Json | undefined)?.[key];
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`Missing '${path}' field in the OAuth output`);
    const key = path.split('.').at(-1)!;
    flat[key] = String(value);
    if (key === ((input.token_expiry_key as string | undefined) ?? 'expires_in'))
      flat['token_expiry_date'] = new Date(nowMs + Number(value) * 1000).toISOString();
  }
  const kept = spec.complete_oauth_output_specification.properties;
  return Object.fromEntries(Object.entries(flat).filter(([key]) => key in kept));
}

/** Writes each output and server value at its path_in_connector_config into a copy of the config. */
export function mergeIntoConfig(
  spec: OAuthConfigSpecification,
  config: Json,
  output: Json,
  serverValues: Record<string, string>,
): Json {
  const merged = structuredClone(config);
  const place = (properties: Record<string, Json>, values: Json) => {
    for (const [name, property] of Object.entries(properties)) {
      if (values[name] === undefined) continue;
      const path = property.path_in_connector_config as string[];
      let target = merged;
      for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Json;
      target[path.at(-1)!] = values[name];
    }
  };
  place(spec.complete_oauth_server_output_specification.properties, serverValues);
  place(spec.complete_oauth_output_specification.properties, output);
  return merged;
}
