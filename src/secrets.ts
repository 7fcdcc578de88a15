/**
 * Where secrets are registered the moment they exist (config values marked airbyte_secret, every
 * token msal returns, rotated refresh tokens). The protocol writer redacts every registered value
 * from everything it prints. Layers below `protocol/` depend only on this interface.
 */
export interface SecretRegistry {
  register(secret: string | undefined | null): void;
}
