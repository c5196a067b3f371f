// Conformance suite, slice 2 of 4 of the LOOP catalogue's modules (see lib/catalogue.ts shardModules).
import { loadService, shardModules } from './lib/catalogue.ts';
import { conformanceSuite } from './lib/suite.ts';

const service = await loadService('loop');
conformanceSuite(service, shardModules(service, 2, 4));
