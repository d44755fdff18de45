// zombienet's js-script entry (loaded with require): `with "<check>"` names one of network.mjs's
// checks, which run with the repository's @polkadot/api.
module.exports.run = async (nodeName, networkInfo, args) => {
  const { check } = await import('./network.mjs');
  await check(args[0], nodeName, networkInfo, args.slice(1));
};
