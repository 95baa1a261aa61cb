/**
 * Family "oa/link": the mini programs linked to each official account (wxamplinkget), which menu/create checks for
 * miniprogram buttons (45064). Each seeded official account starts linked to the mini program seeded after it, and
 * each release-check test account to its group's mini program; tests link or unlink more through the control API.
 */
import * as spec from '../../../../wechat/endpoints/oa-link';
import { RELEASE_TEST_GROUPS } from '../../../accounts';
import type { SimKernel } from '../../../kernel/kernel';
import { ok, route, type Route } from '../../../kernel/routes';
import type { SimFamily } from '../../family';

/** 1 linked, 2 waiting for the mini program's admin, 3 refused by it, 12 waiting for the official account's admin. */
export type LinkStatus = 1 | 2 | 3 | 12;

export class LinkApis implements SimFamily {
  /** Official account → mini program → status, for links set by tests (they override the seeded ones). */
  private readonly links = new Map<string, Map<string, LinkStatus | null>>();

  constructor(private readonly k: SimKernel) {}

  reset(): void {
    this.links.clear();
  }

  /** Tests: link (or with null, unlink) a mini program to an official account. */
  setLink(oaAppid: string, mpAppid: string, status: LinkStatus | null): void {
    this.k.state.requireKind(oaAppid, 'oa');
    if (status !== null && ![1, 2, 3, 12].includes(status)) throw new RangeError('status must be 1, 2, 3 or 12');
    let forOa = this.links.get(oaAppid);
    if (!forOa) this.links.set(oaAppid, (forOa = new Map()));
    forOa.set(mpAppid, status);
  }

  /** The official account's links, seeded ones first. */
  linked(oaAppid: string): { appid: string; status: LinkStatus }[] {
    const out = new Map<string, LinkStatus>();
    for (const mp of this.seededLinks(oaAppid)) out.set(mp, 1);
    for (const [mp, status] of this.links.get(oaAppid) ?? []) {
      if (status === null) out.delete(mp);
      else out.set(mp, status);
    }
    return [...out].map(([appid, status]) => ({ appid, status }));
  }

  /** Whether a menu of this official account may open this mini program (only a confirmed link counts). */
  isLinked(oaAppid: string, mpAppid: string): boolean {
    return this.linked(oaAppid).some((l) => l.appid === mpAppid && l.status === 1);
  }

  private seededLinks(oaAppid: string): string[] {
    const group = RELEASE_TEST_GROUPS.find((g) => g.oa.appid === oaAppid);
    if (group) return [group.mp.appid];
    const index = this.k.state.profileIndex.get(oaAppid);
    if (index === undefined || index % 2 !== 0) return [];
    const { accounts, candidates } = this.k.settings;
    if (index + 1 >= accounts + candidates) return [];
    return [this.k.seededAccount(index + 1).appid];
  }

  routes(): Route[] {
    const { k } = this;
    return [
      route(spec.getLinkedMiniPrograms, ({ principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const items = this.linked(principal.appid).map(({ appid, status }) => {
          const p = k.state.profile(appid);
          // A refused link (3) lists no appid, as WeChat answers it (SKIT CgibinWxopenWxaMpLinkGetResponse.json).
          if (status === 3) return { status, username: p?.userName ?? '', nickname: p?.nickName ?? '', released: 1, headimg_url: p?.headImg ?? '', selected: 0 };
          return {
            status,
            appid,
            username: p?.userName ?? '',
            nickname: p?.nickName ?? '',
            released: 1,
            headimg_url: p?.headImg ?? '',
            selected: 0,
            nearby_display_status: 0,
            func_infos: [],
          };
        });
        return ok({ wxopens: { items } });
      }),
    ];
  }
}
