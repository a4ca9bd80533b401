export * from './types.ts';
export {
  placeInstance,
  comparePlacement,
  type PlacementServer,
  type PlacementDecision,
  type PlacementVerdict,
} from './placement.ts';
export { buildFleetIndex, type FleetIndex } from './fleet-index.ts';
export {
  routeMessage,
  type RouteRequest,
  type RouteState,
  type RouteDecision,
  type RouteCandidate,
  type CandidateReason,
  type SkipReason,
} from './routing.ts';
export {
  pickSender,
  type SlotOffer,
  type PickOptions,
  type PickDecision,
  type PickReason,
  type RankedOffer,
} from './pick.ts';
