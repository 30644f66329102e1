// RecordIO as the Mesos v1 streams frame it: "<length in bytes>\n<record>" repeated. The length
// counts bytes, not characters, so the parser works on bytes and decodes a record once whole.

export class RecordIOParser {
  constructor(onRecord) {
    this.onRecord = onRecord;
    this.buffer = new Uint8Array(0);
    this.decoder = new TextDecoder();
  }

  /** Feeds one chunk of the body (a Uint8Array), calling onRecord(string) for each whole record. */
  push(chunk) {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    let start = 0;
    for (;;) {
      const newline = joined.indexOf(10, start);
      if (newline < 0) break;
      const header = this.decoder.decode(joined.subarray(start, newline)).trim();
      const length = Number(header);
      if (!Number.isInteger(length) || length < 0) {
        throw new Error(`Bad RecordIO length '${header}'`);
      }
      if (joined.length < newline + 1 + length) break;
      this.onRecord(this.decoder.decode(joined.subarray(newline + 1, newline + 1 + length)));
      start = newline + 1 + length;
    }
    this.buffer = joined.slice(start);
  }
}
