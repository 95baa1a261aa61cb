/**
 * The API log keeps what each call sent and got back, for the API-log detail: method, the token's query parameter
 * (never its value), the request body and WeChat's answer, with the AppSecret, tokens, the ticket and codes redacted.
 * Real HTTP to the simulator on loopback.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeChatClient } from '../../src/main/api/client';
import { BODY_LOG_LIMIT, redactBody, type ApiCallRecord } from '../../src/main/api/log';
import { startSimulator, type Simulator } from '../../src/sim';

let sim: Simulator;
let records: ApiCallRecord[];
let client: WeChatClient;

beforeEach(async () => {
  sim = await startSimulator({ accounts: 2, ticketIntervalSeconds: 0, pushTicketAtStart: false, authEventUrl: 'http://127.0.0.1:9/wechat/component' });
  records = [];
  client = new WeChatClient({ baseUrl: sim.url, retry: { baseDelayMs: 1, maxDelayMs: 4 }, onCall: (r) => records.push(r) });
});

afterEach(async () => {
  await sim.close();
});

describe('API log bodies', () => {
  it('keeps the request and the answer of a call, with the secret, ticket and token redacted', async () => {
    const { componentAppid, componentSecret } = sim.config;
    await sim.pushTicket().catch(() => undefined); // nobody listens; the ticket is issued all the same
    const ticket = sim.latestTicket()!;
    expect(ticket).toBeTruthy();
    const res = await client.componentToken({ component_appid: componentAppid, component_appsecret: componentSecret, component_verify_ticket: ticket });
    const rec = records.at(-1)!;
    expect(rec).toMatchObject({ method: 'POST', tokenParam: null, errcode: 0, responseBinary: false });
    expect(JSON.parse(rec.requestBody!)).toEqual({ component_appid: componentAppid, component_appsecret: '***', component_verify_ticket: '***' });
    expect(JSON.parse(rec.responseBody!)).toMatchObject({ component_access_token: '***', expires_in: res.expires_in });
    for (const secret of [componentSecret, ticket, res.component_access_token]) {
      expect(rec.requestBody).not.toContain(secret);
      expect(rec.responseBody).not.toContain(secret);
    }

    // A call with a token: the log names the parameter the token went in, never the value, and keeps the errcode answer.
    await expect(client.createPreAuthCode('not-a-token', { component_appid: componentAppid })).rejects.toThrow();
    const bad = records.at(-1)!;
    expect(bad.tokenParam).toBe('component_access_token');
    expect(bad.path).not.toContain('not-a-token');
    expect(bad.requestBody).toContain(componentAppid);
    expect(JSON.parse(bad.responseBody!).errcode).toBe(bad.errcode);
    expect(bad.errcode).not.toBe(0);
  });

  it('redacts nested secrets, scrubs text that is not JSON and cuts long bodies', () => {
    expect(JSON.parse(redactBody({ authorization_info: { authorizer_refresh_token: 'r', authorizer_appid: 'wx1' }, pre_auth_code: 'p', errcode: 0 }))).toEqual({
      authorization_info: { authorizer_refresh_token: '***', authorizer_appid: 'wx1' },
      pre_auth_code: '***',
      errcode: 0,
    });
    expect(redactBody('not json access_token=abc&x=1')).toBe('not json access_token=***&x=1');
    const long = redactBody({ text: 'x'.repeat(BODY_LOG_LIMIT * 2) });
    expect(long.length).toBeLessThan(BODY_LOG_LIMIT + 100);
    expect(long).toMatch(/characters, cut\)$/);
  });

  it("redacts the secrets inside string values: openapi/rid/get answers the looked-up call's URL and bodies as strings", () => {
    const answer = {
      errcode: 0,
      request: {
        invoke_time: 1767225600,
        cost_in_ms: 12,
        request_url: 'access_token=50_LiveAccessToken&component_appid=wx1',
        request_body: JSON.stringify({ component_appsecret: 'TheAppSecret', component_verify_ticket: 'ticket@@@T', component_appid: 'wx1' }),
        response_body: JSON.stringify({ authorizer_access_token: 'AT-live', authorizer_refresh_token: 'refreshtoken@@@R', expires_in: 7200 }),
      },
    };
    const logged = redactBody(answer);
    for (const secret of ['50_LiveAccessToken', 'TheAppSecret', 'ticket@@@T', 'AT-live', 'refreshtoken@@@R']) expect(logged).not.toContain(secret);
    const request = JSON.parse(logged).request;
    expect(request.request_url).toBe('access_token=***&component_appid=wx1');
    expect(JSON.parse(request.response_body)).toEqual({ authorizer_access_token: '***', authorizer_refresh_token: '***', expires_in: 7200 });
    expect(JSON.parse(request.request_body).component_appid).toBe('wx1');
  });
});
