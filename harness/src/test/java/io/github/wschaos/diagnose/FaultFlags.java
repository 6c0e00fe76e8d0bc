package io.github.wschaos.diagnose;

import io.github.wschaos.fault.Fault;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** A {@code --fault} value parsed by the command line's own parser, as a test checks a reproduction printed. */
final class FaultFlags {

    private FaultFlags() {
    }

    /** The fault {@code value} names (the part after {@code --fault }). */
    static Fault parse(String value) throws Exception {
        return (Fault) spec(value, "fault");
    }

    /** The fault and target {@code value} names. */
    static Object spec(String value, String component) throws Exception {
        Method parse = Class.forName("io.github.wschaos.cli.FaultOption").getDeclaredMethod("parse", String.class);
        parse.setAccessible(true);
        Object spec;
        try {
            spec = parse.invoke(null, value);
        } catch (InvocationTargetException e) {
            throw new AssertionError("--fault " + value + " does not parse: " + e.getCause(), e.getCause());
        }
        Method accessor = spec.getClass().getDeclaredMethod(component);
        accessor.setAccessible(true);
        return accessor.invoke(spec);
    }
}
