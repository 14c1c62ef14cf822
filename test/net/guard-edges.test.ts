import { describe, expect, it } from "vitest";
import { parseIPv4, parseIPv6 } from "../../src/net/ip-literal";
import { blockedHostReason } from "../../src/net/target-guard";

describe("names of the local host and the local network", () => {
  it.each([
    ["ip6-localhost", "a loopback name"],
    ["ip6-loopback", "a loopback name"],
    ["IP6-LOCALHOST.", "a loopback name"],
    ["localhost.localdomain", "a loopback name"],
    ["printer.localdomain", "a local-network name"],
    ["nas.office.localdomain", "a local-network name"],
  ])("%s is %s", (host, reason) => {
    expect(blockedHostReason(host)).toBe(reason);
  });

  it.each(["localdomain.example.com", "ip6-localhost.example.com", "my-localdomain.com"])("%s is a public name", (host) => {
    expect(blockedHostReason(host)).toBeNull();
  });
});

describe("range edges", () => {
  // The last address of each private range is refused; the first one after it is not.
  it.each([
    ["10.255.255.255", "11.0.0.0"],
    ["100.127.255.255", "100.128.0.0"],
    ["127.255.255.255", "128.0.0.0"],
    ["169.254.255.255", "169.255.0.0"],
    ["172.31.255.255", "172.32.0.0"],
    ["192.168.255.255", "192.169.0.0"],
    ["198.19.255.255", "198.20.0.0"],
  ])("%s is refused, %s is not", (last, next) => {
    expect(blockedHostReason(last)).not.toBeNull();
    expect(blockedHostReason(next)).toBeNull();
  });
});

describe("IP literal edges", () => {
  it.each([
    ["1.16777215", 0x01ffffff], // the last part fills the three bytes left
    ["1.2.65535", 0x0102ffff],
    ["4294967295", 0xffffffff],
  ])("%s reads as one address", (host, value) => {
    expect(parseIPv4(host)).toBe(value);
  });

  it.each(["1.16777216", "1.2.65536", "1.2.3.256", "4294967296"])("%s is out of range, so not an address", (host) => {
    expect(parseIPv4(host)).toBeNull();
  });

  it.each(["1:2:3:4::5:6:7:8", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::"])("%s has no group left for '::', so it is not an address", (host) => {
    expect(parseIPv6(host)).toBeNull();
  });

  it("'::' may stand for a single zero group", () => {
    expect(parseIPv6("1:2:3:4::6:7:8")).toEqual([1, 2, 3, 4, 0, 6, 7, 8]);
  });
});
