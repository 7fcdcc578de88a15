/**
 * Where secrets are registered the moment they exist (config values marked airbyte_secret, every
 * token msal returns, rotated refresh tokens). The protocol writer redacts every registered value
 * from everything it prints. Layers below `protocol/` depend only on this interface.
 */
export interface SecretRegistry {
  register(secret: string | undefined | null): void;
}

/**
 * Config secrets shorter than this are refused by config validation: they cannot be masked
 * everywhere without masking ordinary words too. The redactor masks shorter values (a tiny token a
 * server issued) only where they stand as whole words.
 */
export const MIN_SECRET_LENGTH = 8;
