package io.raftkv.server;

/**
 * An expected failure of one request, with the code the client sees and a message that says what
 * went wrong. {@code leaderId}/{@code leaderAddress} are set for NOT_LEADER (0 / "" when unknown).
 */
public final class ServerException extends RuntimeException {
    private final ErrorCode code;
    private final long leaderId;
    private final String leaderAddress;

    public ServerException(ErrorCode code, String message) {
        this(code, message, 0, "");
    }

    public ServerException(ErrorCode code, String message, long leaderId, String leaderAddress) {
        super(message, null, false, false);
        this.code = code;
        this.leaderId = leaderId;
        this.leaderAddress = leaderAddress;
    }

    public static ServerException of(ErrorCode code, String format, Object... args) {
        return new ServerException(code, String.format(format, args));
    }

    public ErrorCode code() {
        return code;
    }

    public long leaderId() {
        return leaderId;
    }

    public String leaderAddress() {
        return leaderAddress;
    }
}
