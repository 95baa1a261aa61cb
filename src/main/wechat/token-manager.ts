// TEMPORARY (issue 8, branch layers): moved to src/main/tokens/token-manager.ts. This re-export only keeps
// test/wechat/api-sim.test.ts compiling until its owner's branch is merged; delete it then.
export * from '../tokens/token-manager';
