import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHeaders, ProviderConfigError } from '../../../src/notification/provider-config.ts';

describe('Provider headers', () => {
  it('reads a YAML map, numbers and booleans as strings', () => {
    assert.deepEqual(parseHeaders('X-Team: platform\nX-Priority: 2\nX-Flag: true\n', 'Secret a/b'), { 'X-Team': 'platform', 'X-Priority': '2', 'X-Flag': 'true' });
  });

  it('refuses a list, a nested value or an invalid name without quoting values', () => {
    for (const text of ['- a\n- b', 'X-A:\n  nested: secret-value', 'bad name: secret-value', 'X: [unclosed']) {
      assert.throws(() => parseHeaders(text, 'Secret a/b'), (err: unknown) =>
        err instanceof ProviderConfigError && err.reason === 'InvalidHeaders' && !err.message.includes('secret-value'), text);
    }
  });
});
