package io.github.wschaos.junit.internal;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Names of classes, methods and parameters as error messages print them. */
public final class Elements {

    private Elements() {
    }

    /** {@code class com.example.FooTest}, {@code method com.example.FooTest.bar(ChaosProxy)}, ... */
    public static String describe(AnnotatedElement element) {
        if (element instanceof Class<?> type) {
            return "class " + type.getName();
        }
        if (element instanceof Method method) {
            return "method " + signature(method);
        }
        if (element instanceof Field field) {
            return "field " + field.getDeclaringClass().getName() + "." + field.getName();
        }
        if (element instanceof Executable constructor) {
            return "constructor " + signature(constructor);
        }
        return String.valueOf(element);
    }

    /** {@code parameter 1 (ChaosProxy proxy) of method com.example.FooTest.bar(ChaosProxy)}; the name if compiled in. */
    public static String describe(Parameter parameter, int index) {
        return "parameter " + (index + 1) + " (" + parameter.getType().getSimpleName()
                + (parameter.isNamePresent() ? " " + parameter.getName() : "") + ") of "
                + describe(parameter.getDeclaringExecutable());
    }

    private static String signature(Executable executable) {
        String name = executable instanceof Method ? executable.getDeclaringClass().getName() + "." + executable.getName()
                : executable.getDeclaringClass().getName();
        return name + Arrays.stream(executable.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
