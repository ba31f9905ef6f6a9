import "server-only";
import { anonymousViewer, type Viewer } from "@/lib/reading/access";

/**
 * The viewer of the current request. Until accounts exist every web viewer is anonymous: nothing in
 * the request (header, cookie, query) and no environment variable is consulted, so nothing there can
 * grant access. The accounts work replaces this body with a session lookup plus entitlements.
 */
export async function getViewer(): Promise<Viewer> {
  return anonymousViewer;
}
