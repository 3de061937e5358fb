package score.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every agent of a cluster shares, like corosync's authkey: operators create it once
 * ({@code score keygen}) and copy it to every host. It authenticates frames with HMAC-SHA256.
 */
public final class ClusterKey {
  /** Keys shorter than this are refused: 256 bits, the hash's own size. */
  public static final int MIN_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  private ClusterKey(final byte[] bytes) {
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "cluster key too short: " + bytes.length + " bytes, need at least " + MIN_BYTES);
    }
    this.key = new SecretKeySpec(bytes.clone(), ALGORITHM);
  }

  public static ClusterKey of(final byte[] bytes) {
    return new ClusterKey(bytes);
  }

  /** A fresh random key. */
  public static ClusterKey generate() {
    final byte[] bytes = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new ClusterKey(bytes);
  }

  /**
   * Reads a key file: hexadecimal text (64 or more hex digits, whitespace ignored) as written by
   * {@link #toHex()}, or raw bytes.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static ClusterKey load(final Path file) {
    final byte[] content;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      // At most 4 KiB: a key file is small, and /dev/zero or a huge file must not hang the agent.
      content = in.readNBytes(4097);
      if (content.length > 4096) {
        Arrays.fill(content, (byte) 0);
        throw new IllegalArgumentException(
            "bad cluster key " + file + ": larger than 4 KiB; a key is 32 bytes or 64 hex digits");
      }
    } catch (final IOException e) {
      throw new IllegalArgumentException("cannot read cluster key " + file + ": " + e, e);
    }
    final String text = new String(content, StandardCharsets.US_ASCII).replaceAll("\\s", "");
    try {
      if (text.length() >= 2 * MIN_BYTES && text.matches("[0-9a-fA-F]+")) {
        if (text.length() % 2 != 0) {
          throw new IllegalArgumentException("odd number of hex digits");
        }
        return new ClusterKey(HexFormat.of().parseHex(text));
      }
      return new ClusterKey(content);
    } catch (final IllegalArgumentException e) {
      throw new IllegalArgumentException("bad cluster key " + file + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  public String toHex() {
    return HexFormat.of().formatHex(key.getEncoded());
  }

  /** A new MAC for one thread (Mac objects are not thread-safe). */
  public Mac newMac() {
    try {
      final Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (final NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
