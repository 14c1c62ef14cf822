import { AppError } from "../errors";
import { CustomerId } from "../store/ids";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The user token from `X-Gist-Encoded-User-Token`. The SDK sends
 * `btoa(userToken)`, so the bytes are Latin-1 characters, one each: decoding
 * them that way gives back the very string the page set and the webhook
 * queued. A missing, non-base64 or empty token is a 400, never an anonymous
 * read of someone's queue.
 */
export function userTokenFrom(header: string | undefined): string {
  if (!header) throw new AppError("validation_failed", "X-Gist-Encoded-User-Token is required (base64 of the user token; Gist.setUserToken sets it)");
  if (!BASE64.test(header)) throw new AppError("validation_failed", "X-Gist-Encoded-User-Token is not base64");
  const token = atob(header);
  const checked = CustomerId.safeParse(token);
  if (!checked.success) throw new AppError("validation_failed", `X-Gist-Encoded-User-Token: the user token ${checked.error.issues[0]?.message ?? "is invalid"}`);
  return token;
}
