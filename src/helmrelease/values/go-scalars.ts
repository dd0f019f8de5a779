// Go's number syntax and formatting where helm's reading of a values file depends on them:
// strconv.ParseInt/ParseUint with base 0, strconv.ParseFloat for a scalar that starts with ".",
// strconv.FormatFloat(f, 'g', -1, 32) for a float map key, and the UTF-8 repair of Go's JSON encoder.

/** go-yaml v2's yamlStyleFloat: the decimal floats it tries after the integers. */
export const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * strconv.ParseInt(s, 0, 64) (signed) or ParseUint(s, 0, 64): an optional sign (signed only), then
 * 0x/0o/0b and their capitals, a leading 0 for octal, or decimal digits. Undefined when Go fails.
 */
export function parseGoInteger(s: string, signed: boolean): bigint | undefined {
  let negative = false;
  let body = s;
  if (signed && (body.startsWith('+') || body.startsWith('-'))) {
    negative = body.startsWith('-');
    body = body.slice(1);
  }
  if (body === '') return undefined;
  let prefix = '';
  let digits = body;
  let valid = /^[0-9]+$/;
  if (body.startsWith('0')) {
    const marker = body.charAt(1).toLowerCase();
    if (body.length >= 3 && (marker === 'b' || marker === 'o' || marker === 'x')) {
      prefix = `0${marker}`;
      digits = body.slice(2);
      valid = marker === 'b' ? /^[01]+$/ : marker === 'o' ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
    } else {
      prefix = '0o';
      digits = body.slice(1);
      valid = /^[0-7]*$/;
    }
  }
  if (!valid.test(digits)) return undefined;
  const magnitude = digits === '' ? 0n : BigInt(`${prefix}${digits}`);
  if (!signed) return magnitude <= UINT64_MAX ? magnitude : undefined;
  if (negative) return magnitude <= INT64_MAX + 1n ? -magnitude : undefined;
  return magnitude <= INT64_MAX ? magnitude : undefined;
}

/**
 * strconv.ParseFloat(s, 64) for a scalar that starts with "." (go-yaml's '.' hint): digits with
 * single underscores between them, an optional exponent. Undefined when Go fails or overflows.
 */
export function parseGoFloatDot(s: string): number | undefined {
  if (!/^\.[0-9]+(?:_[0-9]+)*(?:[eE][+-]?[0-9]+(?:_[0-9]+)*)?$/.test(s)) return undefined;
  const v = Number(s.replaceAll('_', ''));
  return Number.isFinite(v) ? v : undefined;
}

/**
 * strconv.FormatFloat(f, 'g', -1, 32) as sigs.k8s.io/yaml writes a float map key, with its
 * .inf/-.inf/.nan: the shortest digits that read back as the same float32; exponent form when the
 * exponent is below -4 or at least 6 ("1e+06", "1.8446744e+19").
 */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let precision = 1; precision <= 9; precision++) {
    const text = Math.abs(f).toExponential(precision - 1);
    if (Math.fround(Number(text)) === Math.abs(f)) {
      const [mantissa = '', e = '0'] = text.split('e');
      digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
      exp = Number(e);
      break;
    }
  }
  const sign = f < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fraction = digits.slice(exp + 1);
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** Bytes as Go's JSON encoder writes a string: each byte that is not valid UTF-8 becomes U+FFFD. */
export function goUtf8Decode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const size = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    let valid = size > 0 && i + size <= bytes.length;
    for (let k = 1; valid && k < size; k++) {
      const c = bytes[i + k] ?? 0;
      valid = k === 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xbf;
    }
    if (!valid) {
      out += '\ufffd';
      i++;
      continue;
    }
    let cp = b & (size === 2 ? 0x1f : size === 3 ? 0x0f : 0x07);
    for (let k = 1; k < size; k++) cp = (cp << 6) | ((bytes[i + k] ?? 0) & 0x3f);
    out += String.fromCodePoint(cp);
    i += size;
  }
  return out;
}
