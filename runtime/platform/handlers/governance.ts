/** Handlers of spec/platform/governance.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { policySimulationActions } from '../governance/policy-simulation.ts';
import { settingsDocument } from '../settings/settings-documents.ts';

const governanceSettings = settingsDocument('governance');

export const governanceHandlers: HandlerRegistry = {
  'governance.getGovernanceSettings': governanceSettings.get,
  'governance.simulateRlsPolicy': policySimulationActions.simulateRlsPolicy,
  'governance.updateGovernanceSettings': governanceSettings.patch,
};
