/** Top-level fields read at most before giving up: producer_name is the second field ONNX writes. */
const MAX_FIELDS = 16;

/**
 * The producer_name of a serialized ONNX ModelProto (field 2), read from the top-level fields
 * without decoding the graph; null when absent or the bytes are not a readable protobuf message.
 */
export function onnxProducerName(bytes: Uint8Array): string | null {
  let at = 0;
  const varint = (): number | null => {
    let value = 0;
    for (let shift = 0; shift < 53 && at < bytes.length; shift += 7) {
      const b = bytes[at++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    return null;
  };
  for (let fields = 0; fields < MAX_FIELDS && at < bytes.length; fields++) {
    const tag = varint();
    if (tag === null) return null;
    const [field, wire] = [Math.floor(tag / 8), tag % 8];
    if (wire === 0) {
      if (varint() === null) return null;
    } else if (wire === 2) {
      const length = varint();
      if (length === null || at + length > bytes.length) return null;
      if (field === 2) return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(at, at + length));
      at += length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else return null;
  }
  return null;
}
