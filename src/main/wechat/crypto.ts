// TEMPORARY (issue 8, branch layers): moved to src/wechat/crypto.ts. This re-export only keeps src/sim, test/sim and
// test/wechat/api-sim.test.ts compiling until their owners' branches are merged; delete it then.
export * from '../../wechat/crypto';
