package dev.billing.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.BiConsumer;

/**
 * Handles SIGTERM and SIGINT through {@code sun.misc.Signal} (module jdk.unsupported, the JDK's supported way to
 * catch a signal), reached by reflection: the compiler warns on every direct use of it as internal API, and this
 * build turns warnings into errors.
 */
public final class Signals {

    private Signals() {
    }

    /**
     * Calls {@code handler} with the signal's name ({@code TERM}) and number when the process gets it.
     *
     * @throws IllegalArgumentException when the signal cannot be handled in this JVM
     */
    public static void handle(String name, BiConsumer<String, Integer> handler) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method getName = signalClass.getMethod("getName");
            Method getNumber = signalClass.getMethod("getNumber");
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass}, (p, method, args) -> {
                if (method.getName().equals("handle")) {
                    handler.accept((String) getName.invoke(args[0]), (Integer) getNumber.invoke(args[0]));
                    return null;
                }
                return method.invoke(handler, args);
            });
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot handle SIG" + name + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot handle SIG" + name + " in this JVM: " + e, e);
        }
    }
}
