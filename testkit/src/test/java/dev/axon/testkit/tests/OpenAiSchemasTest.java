package dev.axon.testkit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.OpenAiSchemas;
import dev.axon.testkit.OpenAiSchemas.Schema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link OpenAiSchemas} judges the conformance samples as {@code validate.mjs} does: every case of
 * {@code samples/manifest.json} (copied with the samples) must get its expected verdict, so the checker is proven
 * to reject what is invalid, not only to accept what is valid.
 */
class OpenAiSchemasTest {

  private static final String SAMPLES = "conformance/samples/";

  @TestFactory
  Stream<DynamicTest> everyManifestCaseGetsItsExpectedVerdict() {
    JsonArray cases = new JsonObject(read("manifest.json")).getJsonArray("cases");
    List<DynamicTest> tests = new ArrayList<>();
    for (Object o : cases) {
      JsonObject c = (JsonObject) o;
      List<String> args = c.getJsonArray("args").getList();
      boolean expectValid = c.getInteger("expect") == 0;
      tests.add(DynamicTest.dynamicTest(String.join(" ", args) + (expectValid ? " is valid" : " is invalid"), () -> {
        List<String> problems = verdict(args);
        if (expectValid) {
          assertTrue(problems.isEmpty(), "expected valid, got " + problems);
        } else {
          assertFalse(problems.isEmpty(), "expected invalid (" + c.getString("note", "") + "), but it passed");
        }
      }));
    }
    assertTrue(tests.size() >= 28, "the manifest lists every sample");
    return tests.stream();
  }

  private static List<String> verdict(List<String> args) {
    if (args.get(0).equals("--sse")) {
      boolean allowError = args.contains("--allow-error");
      return OpenAiSchemas.sseProblems(read(args.get(args.size() - 1)), allowError);
    }
    Schema schema = switch (args.get(0)) {
      case "request" -> Schema.REQUEST;
      case "response" -> Schema.RESPONSE;
      case "chunk" -> Schema.CHUNK;
      case "models" -> Schema.MODELS;
      case "model" -> Schema.MODEL;
      case "error" -> Schema.ERROR;
      default -> throw new IllegalArgumentException(args.get(0));
    };
    return OpenAiSchemas.problems(schema, new JsonObject(read(args.get(1))));
  }

  @Test
  void createdInMillisecondsIsRejectedInResponsesChunksAndModels() {
    JsonObject response = new JsonObject(read("response.valid.text.json"));
    OpenAiSchemas.assertValidResponse(response);
    AssertionError e = assertThrows(AssertionError.class,
        () -> OpenAiSchemas.assertValidResponse(response.copy().put("created", 1_741_569_952_000L)));
    assertTrue(e.getMessage().contains("unixtime"), e.getMessage());
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidResponse(response.copy().put("created", 1.5)));
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidResponse(response.copy().put("created", -1)));

    JsonObject chunk = new JsonObject(read("chunk.valid.json"));
    OpenAiSchemas.assertValidChunk(chunk);
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidChunk(chunk.copy().put("created", 99_999_999_999_9L)));

    JsonObject models = new JsonObject(read("models.valid.json"));
    OpenAiSchemas.assertValidModels(models);
    JsonObject millis = models.copy();
    millis.getJsonArray("data").getJsonObject(0).put("created", 1_700_000_000_000L);
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidModels(millis));
  }

  @Test
  void systemFingerprintMustBeAStringWhenPresent() {
    JsonObject response = new JsonObject(read("response.valid.text.json"));
    OpenAiSchemas.assertValidResponse(response.copy().put("system_fingerprint", "fp_x"));
    OpenAiSchemas.assertValidResponse(copyWithout(response, "system_fingerprint"));
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidResponse(response.copy().putNull("system_fingerprint")));
    JsonObject chunk = new JsonObject(read("chunk.valid.json"));
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidChunk(chunk.copy().putNull("system_fingerprint")));
  }

  @Test
  void aModelMustBeAnObject() {
    OpenAiSchemas.assertValidModel(new JsonObject(read("model.valid.json")));
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidModel("abc"));
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidModel(1));
    JsonObject models = new JsonObject(read("models.valid.json"));
    models.getJsonArray("data").add("abc");
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidModels(models));
  }

  @Test
  void errorsNeedAllFourFields() {
    OpenAiSchemas.assertValidError(new JsonObject(read("error.valid.json")));
    JsonObject noParam = new JsonObject().put("error", new JsonObject().put("message", "m").put("type", "t").putNull("code"));
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidError(noParam));
  }

  @Test
  void sseStreamsAreParsedLikeTheReferenceValidator() {
    OpenAiSchemas.SseStream text = OpenAiSchemas.assertValidSse(read("stream.valid.text.sse"), false);
    assertFalse(text.chunks().isEmpty());
    assertNull(text.error());
    assertNotNull(text.finishReason(0));

    // CRLF line ends, comment lines and a multi-line data field are accepted.
    String crlf = read("stream.valid.text.sse").replace("\n", "\r\n");
    OpenAiSchemas.assertValidSse(": keep-alive\r\n\r\n" + crlf, false);
    assertEquals(2, OpenAiSchemas.parseSse("data: a\ndata: b\n\ndata: c\n\n").size());
    assertEquals("a\nb", OpenAiSchemas.parseSse("data: a\ndata: b\n\n").get(0).data());

    // An error event is accepted only when allowed, and only [DONE] may follow it.
    String midstream = read("stream.error-midstream.sse");
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidSse(midstream, false));
    OpenAiSchemas.SseStream failed = OpenAiSchemas.assertValidSse(midstream, true);
    assertEquals("server_error", failed.error().getJsonObject("error").getString("type"));
    assertEquals("The answer", failed.content(0));

    String doneTwice = read("stream.valid.text.sse") + "data: [DONE]\n\n";
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidSse(doneTwice, false));
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidSse("data: [DONE]\n\n", false), "no chunks");
    assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidSse("data: {not json}\n\ndata: [DONE]\n\n", false));
  }

  private static JsonObject copyWithout(JsonObject o, String key) {
    JsonObject copy = o.copy();
    copy.remove(key);
    return copy;
  }

  private static String read(String name) {
    try (InputStream in = OpenAiSchemasTest.class.getClassLoader().getResourceAsStream(SAMPLES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing sample " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
