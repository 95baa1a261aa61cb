import { describe, expect, it } from 'vitest';
import { XmlError, buildReplyEnvelope, buildXml, field, parseXml } from '../../src/wechat/xml';

describe('parseXml', () => {
  it('keeps every value a string, including a 64-bit MsgId', () => {
    const m = parseXml('<xml><MsgId>24001234567890123456</MsgId><CreateTime>1700000001</CreateTime><Content><![CDATA[a & b <c>]]></Content></xml>');
    expect(m).toEqual({ MsgId: '24001234567890123456', CreateTime: '1700000001', Content: 'a & b <c>' });
  });
  it('looks fields up by name whatever the order, including lower-case fast-register children', () => {
    const m = parseXml(
      '<xml><AppId><![CDATA[wxc]]></AppId><CreateTime>1535442403</CreateTime><InfoType><![CDATA[notify_third_fasteregister]]></InfoType><status>0</status><msg>OK</msg><appid>wxnew</appid><auth_code>code1</auth_code><info><name><![CDATA[企业]]></name><code_type>1</code_type></info></xml>',
    );
    expect(field(m, 'appid')).toBe('wxnew');
    expect(field(m, 'status')).toBe('0');
    expect(field(m, 'auth_code')).toBe('code1');
    expect(m.info).toEqual({ name: '企业', code_type: '1' });
  });
  it('keeps whitespace inside CDATA and text', () => {
    expect(parseXml('<xml><Content><![CDATA[  two  spaces ]]></Content></xml>').Content).toBe('  two  spaces ');
  });
  it('repeated elements become arrays', () => {
    const m = parseXml('<xml><Articles><item><Title>a</Title></item><item><Title>b</Title></item></Articles></xml>');
    expect(m.Articles).toEqual({ item: [{ Title: 'a' }, { Title: 'b' }] });
  });
  it('refuses DOCTYPE and ENTITY before parsing', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>';
    expect(() => parseXml(xxe)).toThrow(XmlError);
    expect(() => parseXml('<xml><!ENTITY a "b"></xml>')).toThrow(/ENTITY/);
  });
  it('does not expand entities', () => {
    expect(parseXml('<xml><a>&lt;b&gt;</a></xml>').a).toBe('&lt;b&gt;');
  });
  it('caps size', () => {
    expect(() => parseXml('<xml><a>' + 'x'.repeat(2000) + '</a></xml>', 1000)).toThrow(/larger than 1000 bytes/);
  });
  it('non-XML gets a clear error', () => {
    expect(() => parseXml('hello')).toThrow(/not XML/);
    expect(() => parseXml('<xml><a></xml>')).toThrow(XmlError);
  });
});

describe('buildXml', () => {
  it('puts strings in CDATA and numbers as text', () => {
    expect(buildXml({ ToUserName: 'o1', CreateTime: 1700000000, Content: 'hi' })).toBe(
      '<xml><ToUserName><![CDATA[o1]]></ToUserName><CreateTime>1700000000</CreateTime><Content><![CDATA[hi]]></Content></xml>',
    );
  });
  it('handles ]]> inside content and round-trips through the parser', () => {
    for (const content of ['a]]>b', ']]>', 'x]]>]]>y', ']]]]>>', '<![CDATA[nested]]>', '中文]]>😀']) {
      const xml = buildXml({ Content: content });
      expect(parseXml(xml).Content).toBe(content);
    }
  });
  it('builds the reply envelope', () => {
    expect(buildReplyEnvelope({ encrypt: 'E', msgSignature: 'S', timestamp: '1411525903', nonce: '461056294' })).toBe(
      '<xml><Encrypt><![CDATA[E]]></Encrypt><MsgSignature><![CDATA[S]]></MsgSignature><TimeStamp>1411525903</TimeStamp><Nonce><![CDATA[461056294]]></Nonce></xml>',
    );
  });
});

describe('flat fast path', () => {
  it('takes the fast path for flat pushes and gives exactly what fast-xml-parser gives', async () => {
    const fc = (await import('fast-check')).default;
    const { xmlParseStats } = await import('../../src/wechat/xml');
    const name = fc.constantFrom('ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'Event', 'a_b', 'x.y');
    const value = fc.string({ maxLength: 30 });
    let fired = 0;
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, value, fc.boolean()), { selector: (t) => t[0], maxLength: 6 }), fc.constantFrom('', '\n', ' '), (fields, ws) => {
        const xml = '<xml>' + fields.map(([n, v, cdata]) => `${ws}<${n}>${cdata ? buildXml({ [n]: v }).slice(5 + n.length + 2, -(6 + n.length + 3)) : v}</${n}>`).join('') + ws + '</xml>';
        let full: unknown;
        try {
          full = parseXml(xml.replace('<xml>', '<xml >')); // a space in the root tag forces the full parser
        } catch {
          full = 'error';
        }
        // Meant for the fast path: every text value free of markup characters (CDATA may hold anything).
        const flatShape = fields.every(([, v, cdata]) => cdata || !/[<>&]/.test(v));
        const before = { ...xmlParseStats };
        let got: unknown;
        try {
          got = parseXml(xml);
        } catch {
          got = 'error';
        }
        expect(got).toEqual(full);
        if (flatShape) {
          expect(xmlParseStats.flat, xml).toBe(before.flat + 1);
          expect(xmlParseStats.full).toBe(before.full);
          fired++;
        }
      }),
      { numRuns: 500 },
    );
    expect(fired).toBeGreaterThan(250); // most generated pushes are flat; the assertion above ran for each
  });
  it('counts which parser answered: the fast path for flat XML, fast-xml-parser for the rest', async () => {
    const { xmlParseStats } = await import('../../src/wechat/xml');
    const before = { ...xmlParseStats };
    expect(parseXml('<xml><a>1</a></xml>')).toEqual({ a: '1' });
    expect(parseXml('<xml><a><b>1</b></a></xml>')).toEqual({ a: { b: '1' } });
    expect(xmlParseStats).toEqual({ flat: before.flat + 1, full: before.full + 1 });
  });
  it('declines nesting, attributes, comments and repeats', async () => {
    const { parseFlat } = await import('../../src/wechat/xml');
    expect(parseFlat('<xml><a><b>1</b></a></xml>')).toBeNull();
    expect(parseFlat('<xml><a x="1">1</a></xml>')).toBeNull();
    expect(parseFlat('<xml><!-- c --><a>1</a></xml>')).toBeNull();
    expect(parseFlat('<xml><a>1</a><a>2</a></xml>')).toBeNull();
    expect(parseFlat('<xml><a>1</b></xml>')).toBeNull();
    expect(parseFlat('<xml><a>1</a></xml>trailing')).toBeNull();
    expect(parseFlat('<xml><a>x &amp; y</a></xml>')).toBeNull();
    expect(parseFlat('<xml><a>1</a></xml>')).toEqual({ a: '1' });
  });
});
