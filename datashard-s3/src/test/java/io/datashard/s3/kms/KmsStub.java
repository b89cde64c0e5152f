package io.datashard.s3.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stub of the AWS KMS JSON API ({@code TrentService.Encrypt} and {@code Decrypt}, the calls DataShard makes) on
 * 127.0.0.1 and a free port: symmetric keys by id, ciphertext blobs that name their key, the encryption context as
 * AES-GCM associated data, and KMS's error types ({@code NotFoundException}, {@code IncorrectKeyException},
 * {@code InvalidCiphertextException}, {@code AccessDeniedException} for unsigned requests).
 */
final class KmsStub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpServer server;
  private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
  final List<String> targets = new CopyOnWriteArrayList<>();
  final List<String> requestBodies = new CopyOnWriteArrayList<>();

  KmsStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Creates (or replaces) a key with random material. */
  void createKey(String keyId) {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    keys.put(keyId, k);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String target = x.getRequestHeaders().getFirst("X-Amz-Target");
      byte[] body = x.getRequestBody().readAllBytes();
      targets.add(target);
      requestBodies.add(new String(body, StandardCharsets.UTF_8));
      String auth = x.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256")) {
        error(x, 400, "AccessDeniedException", "request is not signed");
        return;
      }
      JsonNode req = JSON.readTree(body);
      switch (target == null ? "" : target) {
        case "TrentService.Encrypt" -> encrypt(x, req);
        case "TrentService.Decrypt" -> decrypt(x, req);
        default -> error(x, 400, "UnknownOperationException", "unsupported " + target);
      }
    } catch (Exception e) {
      error(x, 500, "KMSInternalException", e.getClass().getSimpleName());
    }
  }

  private void encrypt(HttpExchange x, JsonNode req) throws Exception {
    String keyId = req.path("KeyId").asText();
    byte[] key = keys.get(keyId);
    if (key == null) {
      error(x, 400, "NotFoundException", "Key '" + keyId + "' does not exist");
      return;
    }
    byte[] plaintext = Base64.getDecoder().decode(req.path("Plaintext").asText());
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    c.updateAAD(req.path("EncryptionContext").toString().getBytes(StandardCharsets.UTF_8));
    byte[] sealed = c.doFinal(plaintext);
    byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
    byte[] blob = ByteBuffer.allocate(2 + id.length + 12 + sealed.length).putShort((short) id.length).put(id)
        .put(nonce).put(sealed).array();
    ObjectNode out = JSON.createObjectNode();
    out.put("CiphertextBlob", Base64.getEncoder().encodeToString(blob));
    out.put("KeyId", "arn:aws:kms:us-east-1:000000000000:key/" + keyId);
    out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    ok(x, out);
  }

  private void decrypt(HttpExchange x, JsonNode req) throws Exception {
    ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(req.path("CiphertextBlob").asText()));
    String keyId;
    byte[] nonce = new byte[12];
    byte[] sealed;
    try {
      byte[] id = new byte[blob.getShort()];
      blob.get(id);
      keyId = new String(id, StandardCharsets.UTF_8);
      blob.get(nonce);
      sealed = new byte[blob.remaining()];
      blob.get(sealed);
    } catch (RuntimeException e) {
      error(x, 400, "InvalidCiphertextException", "malformed ciphertext");
      return;
    }
    String expected = req.path("KeyId").asText(null);
    if (expected != null && !expected.equals(keyId)) {
      error(x, 400, "IncorrectKeyException", "The key ID in the request does not identify the key that encrypted "
          + "the ciphertext");
      return;
    }
    byte[] key = keys.get(keyId);
    if (key == null) {
      error(x, 400, "NotFoundException", "Key '" + keyId + "' does not exist");
      return;
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(req.path("EncryptionContext").toString().getBytes(StandardCharsets.UTF_8));
      byte[] plaintext = c.doFinal(sealed);
      ObjectNode out = JSON.createObjectNode();
      out.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
      out.put("KeyId", "arn:aws:kms:us-east-1:000000000000:key/" + keyId);
      out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
      ok(x, out);
    } catch (javax.crypto.AEADBadTagException e) {
      error(x, 400, "InvalidCiphertextException", "");
    }
  }

  private static void ok(HttpExchange x, JsonNode body) throws IOException {
    send(x, 200, JSON.writeValueAsBytes(body));
  }

  private static void error(HttpExchange x, int status, String type, String message) {
    try {
      ObjectNode out = JSON.createObjectNode();
      out.put("__type", type);
      out.put("message", message);
      send(x, status, JSON.writeValueAsBytes(out));
    } catch (IOException ignored) {
      // the client went away
    }
  }

  private static void send(HttpExchange x, int status, byte[] body) throws IOException {
    x.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    x.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    x.sendResponseHeaders(status, body.length);
    x.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
