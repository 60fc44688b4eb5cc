package io.museflow.data;

/**
 * Bad input data. The message always names the file (and the line or video where known) and says
 * what is wrong, because it is printed to a researcher as the reason a job stopped.
 */
public class InputDataException extends RuntimeException {
    public InputDataException(String message) {
        super(message);
    }

    public InputDataException(String message, Throwable cause) {
        super(message, cause);
    }

    public static InputDataException at(String source, long line, String what) {
        return new InputDataException(source + ":" + line + ": " + what);
    }
}
