package io.datashard.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ErrorResponseParser;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (a malformed request line, an ambiguous URI, headers too large) as Iceberg
 * {@code ErrorResponse} JSON, like every other error of the server; never a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static byte[] body(int code, String message) {
    String reason = HttpStatus.getMessage(code);
    ErrorResponse err = ErrorResponse.builder().responseCode(code)
        .withType(code == 400 ? "BadRequestException" : "HttpError")
        .withMessage(message == null || message.isBlank() ? reason : message)
        .build();
    return ErrorResponseParser.toJson(err).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    return ByteBuffer.wrap(body(status, reason));
  }
}
