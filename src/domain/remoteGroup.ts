/** A group as the SCIM service lists it (only what scim-sync reads): its id, name and member ids. */
export interface RemoteGroup {
  id: string;
  displayName: string;
  /** The `value` of each member (a user's id; a nested group's id on services that allow them). */
  members: readonly string[];
}
