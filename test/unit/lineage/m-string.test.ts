import { decodeMIdentifier, decodeMTextLiteral } from '../../../src/lineage/m/m-string.js';

describe('M string decoding', () => {
  test.each([
    ['"a#(lf)b"', 'a\nb'],
    ['"a#(cr)#(lf)b"', 'a\r\nb'],
    ['"a#(cr,lf)b"', 'a\r\nb'],
    ['"col#(tab)x"', 'col\tx'],
    ['"say ""hi"""', 'say "hi"'],
    ['"#(0041)#(#)(lf)"', 'A#(lf)'],
    ['"#(nope)"', '#(nope)'],
  ])('%s', (literal, decoded) => {
    expect(decodeMTextLiteral(literal)).toBe(decoded);
  });

  test('#"Folder Path" and plain Source identifiers', () => {
    expect(decodeMIdentifier('#"Folder Path"')).toBe('Folder Path');
    expect(decodeMIdentifier('#"a ""b"""')).toBe('a "b"');
    expect(decodeMIdentifier('Source')).toBe('Source');
  });
});
