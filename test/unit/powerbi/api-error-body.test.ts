import { readApiErrorBody } from '../../../src/powerbi/api-error-body.js';

// Body shapes Power BI returns (errors-and-limits.md, section 3).
const bodies: Record<string, unknown> = {
  '403-token-expired.json': {
    error: { code: 'TokenExpired', message: 'Access token has expired, resubmit with a new access token' },
  },
  '401-not-authorized.json': {
    error: {
      code: 'PowerBINotAuthorizedException',
      'pbi.error': {
        code: 'PowerBINotAuthorizedException',
        parameters: {},
        details: [],
        exceptionCulprit: 1,
      },
    },
  },
  '429-hourly.json': {
    message:
      'You have exceeded the amount of requests allowed in the current time frame and further requests will fail. Retry in 3392 seconds.',
  },
  '401-api-not-accessible.json': { Message: 'API is not accessible for application' },
};
const sample = (name: string): unknown => bodies[name];

describe('readApiErrorBody', () => {
  it('reads the Power BI envelope, with and without a message', () => {
    expect(readApiErrorBody(sample('403-token-expired.json'))).toEqual({
      code: 'TokenExpired',
      message: 'Access token has expired, resubmit with a new access token',
    });
    expect(readApiErrorBody(sample('401-not-authorized.json')).code).toBe('PowerBINotAuthorizedException');
  });

  it('reads the bare throttling and gateway bodies', () => {
    expect(readApiErrorBody(sample('429-hourly.json')).message).toMatch(/Retry in 3392 seconds/);
    expect(readApiErrorBody(sample('401-api-not-accessible.json'))).toEqual({
      code: undefined,
      message: 'API is not accessible for application',
    });
  });

  it('tolerates text, empty and non-JSON bodies', () => {
    expect(readApiErrorBody('{"error":{"code":"X","message":"m"}}')).toEqual({ code: 'X', message: 'm' });
    expect(readApiErrorBody('')).toEqual({});
    expect(readApiErrorBody('<html>bad gateway</html>')).toEqual({});
    expect(readApiErrorBody(null)).toEqual({});
  });
});
