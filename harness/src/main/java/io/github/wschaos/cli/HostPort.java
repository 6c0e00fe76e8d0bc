package io.github.wschaos.cli;

import picocli.CommandLine;

/** A {@code HOST:PORT} option as the commands take it: {@code 127.0.0.1:9000}, {@code [::1]:9000}. */
record HostPort(String host, int port) {

    /**
     * Reads {@code value}, the value of {@code option}.
     *
     * @throws CommandLine.ParameterException naming the option, the value and an example, when it is not HOST:PORT
     */
    static HostPort parse(CommandLine commandLine, String option, String value, String example) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new CommandLine.ParameterException(commandLine,
                    option + " '" + value + "' is not HOST:PORT, e.g. " + example);
        }
        try {
            return new HostPort(value.substring(0, colon).replace("[", "").replace("]", ""),
                    Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(commandLine,
                    option + " '" + value + "' has no numeric port, e.g. " + example);
        }
    }
}
