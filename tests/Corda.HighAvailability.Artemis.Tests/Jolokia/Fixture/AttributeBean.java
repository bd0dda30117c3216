import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;

/**
 * An MBean whose attributes are a map the test changes at run time, so that one JVM can play a live broker, a backup,
 * a broker out of sync and an older broker that lacks an attribute. Types follow Artemis' control interfaces
 * (boolean, int, long, double, String): Jolokia serialises them as JSON booleans, numbers and strings.
 */
public final class AttributeBean implements DynamicMBean {
    private final String className;
    private final Map<String, Object> values = new LinkedHashMap<>();

    public AttributeBean(String className) {
        this.className = className;
    }

    public synchronized void put(String name, Object value) {
        values.put(name, value);
    }

    public synchronized boolean remove(String name) {
        return values.remove(name) != null;
    }

    /** Parses the text as the attribute's current type. */
    public synchronized void set(String name, String text) {
        Object current = values.get(name);
        if (current == null) {
            throw new IllegalArgumentException("no attribute " + name);
        }
        Object value;
        if (current instanceof Boolean) {
            value = Boolean.parseBoolean(text);
        } else if (current instanceof Integer) {
            value = Integer.parseInt(text);
        } else if (current instanceof Long) {
            value = Long.parseLong(text);
        } else if (current instanceof Double) {
            value = Double.parseDouble(text);
        } else {
            value = text;
        }
        values.put(name, value);
    }

    @Override
    public synchronized Object getAttribute(String attribute) throws AttributeNotFoundException {
        if (!values.containsKey(attribute)) {
            throw new AttributeNotFoundException("No such attribute: " + attribute);
        }
        return values.get(attribute);
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("read-only fixture: " + attribute.getName());
    }

    @Override
    public synchronized AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String name : attributes) {
            if (values.containsKey(name)) {
                list.add(new Attribute(name, values.get(name)));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(actionName);
    }

    @Override
    public synchronized MBeanInfo getMBeanInfo() {
        MBeanAttributeInfo[] attributes = new MBeanAttributeInfo[values.size()];
        int i = 0;
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            attributes[i++] = new MBeanAttributeInfo(entry.getKey(), type(entry.getValue()), entry.getKey(), true, false,
                    entry.getValue() instanceof Boolean);
        }
        return new MBeanInfo(className, "fixture", attributes, null, new MBeanOperationInfo[0], new MBeanNotificationInfo[0]);
    }

    private static String type(Object value) {
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Integer) {
            return "int";
        }
        if (value instanceof Long) {
            return "long";
        }
        if (value instanceof Double) {
            return "double";
        }
        return "java.lang.String";
    }
}
